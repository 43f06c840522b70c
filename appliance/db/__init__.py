"""All SQL lives here: the store (connections, pragmas, transactions), migrations, one module per concept."""
