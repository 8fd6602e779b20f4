"""The foundation every package stands on: settings, the models of every table, domain errors,
field checks, logs, the clock, keyed hashes, paging and HTTP plumbing. Imports nothing above
it."""
