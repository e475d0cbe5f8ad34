"""Model backends: talking to local LLM servers."""
