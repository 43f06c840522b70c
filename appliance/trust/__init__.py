"""Trust: who may ask (signed requests, scopes, hosts, rate limits, connections), what is signed and sealed."""
