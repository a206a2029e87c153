"""The judgement: LLM providers, the three tools, prompts, drafting rules, verdicts. It never sends."""
