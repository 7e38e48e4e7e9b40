"""Web edge: the FastAPI JSON API and the Gradio UI mounted on it (no domain logic here)."""
