"""Cross-cutting pieces every layer uses: settings, database config, clock, tokens, ids."""
