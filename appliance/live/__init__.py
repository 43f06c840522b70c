"""Live results: the stream, its parameters, the fan-out workers and each viewer's connection."""
