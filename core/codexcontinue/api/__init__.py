"""The FastAPI backend: app factory, core routes, auth dependencies and error handling."""
