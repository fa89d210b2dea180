"""Readers of what a document says about a group or a team: labels, sentences, policies."""
