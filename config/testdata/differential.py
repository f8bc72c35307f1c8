# Loads a dictConfig JSON document and makes the calls listed in a JSON file, as
# config's differential test does in Go: argv[1] is the document, argv[2] the calls.
import json, logging, logging.config, sys

with open(sys.argv[1]) as f:
    logging.config.dictConfig(json.load(f))
with open(sys.argv[2]) as f:
    calls = json.load(f)
for name, level, msg in calls:
    logging.getLogger(name).log(level, msg)
logging.shutdown()
