"""Test helpers: scripted fake LLM, fake OpenAI-compatible server, fixtures, loopback ports."""
