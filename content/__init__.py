"""Built-in content as YAML (exercises, prompts, check-up, safety text): read-only, loaded by bot.content."""
