"""HTTP adapters: a Chalice request becomes a call of the domain; its result, a response."""
