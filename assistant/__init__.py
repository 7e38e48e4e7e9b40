"""Assistant: retrieval, answers with citations, chat, service finder, summaries, LLM backends."""
