"""The accuracy study: predictions checked against recorded or executed test outcomes."""
