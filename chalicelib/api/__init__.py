"""HTTP adapters: turn a Chalice request into a call of the domain, and its result into a response."""
