"""LLM providers behind one task-level interface: Claude through the anthropic SDK, and the offline rules."""
