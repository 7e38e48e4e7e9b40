"""Small vector helpers shared by the finder, the semantic checks and the theme map."""

from __future__ import annotations

import numpy as np


def unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (an all-zero row stays zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def unit_vector(vector: object) -> np.ndarray:
    """A vector (any sequence of numbers) as float32, scaled to length 1 (a zero vector stays zero)."""
    array = np.asarray(vector, dtype=np.float32)
    return array / (float(np.linalg.norm(array)) or 1.0)
