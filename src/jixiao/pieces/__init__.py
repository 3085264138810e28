"""What the chapter notebooks call: Markdown tables, charts and the helpers that display them."""
