"""Prints, as JSON, what python-dotenv reads from DIR/.env: {"python": {KEY: value}}."""
import json
import sys

from dotenv import dotenv_values

print(json.dumps({"python": dotenv_values(sys.argv[1] + "/.env", interpolate=True)}))
