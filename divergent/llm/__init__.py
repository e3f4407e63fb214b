"""The model: an AsyncOpenAI client with concurrency, retries, usage, a response cache
and lenient parsing of replies. (Empty in this build: divergent explores offline.)"""
