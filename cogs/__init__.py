"""Discord features as extensions, one package each (commands, views, modals, jobs), calling bot.services."""
