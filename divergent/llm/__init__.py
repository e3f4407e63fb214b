"""The model: any OpenAI-compatible endpoint.

``config`` reads the endpoint and model from the environment and the config file;
``pricing`` turns tokens into dollars; ``budget`` is the hard limit checked before
each request; ``client`` sends requests (retries, cache, call log), streamed (``streamed`` keeps what
a reply brought) and paced to what the server does (``pacing``: how many in flight,
how long one may wait);
``dialect`` is what an endpoint accepts (structured output, cap field, context),
learned from refusals; ``parsing`` reads replies leniently, JSON or markdown; ``ask``
is complete-then-read with a default; ``prompts`` builds the messages and the JSON
schemas replies follow.
"""
