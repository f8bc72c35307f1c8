# Loads a dictConfig document (JSON, or YAML through PyYAML's safe_load) with CPython's
# logging.config.dictConfig and makes the calls of a JSON file, as config's
# TestRealDocuments does in Go. argv: document, calls; stubs/ stands in for Django and
# uvicorn.
import json, logging, logging.config, os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs"))
with open(sys.argv[1]) as f:
    if sys.argv[1].endswith((".yaml", ".yml")):
        import yaml
        doc = yaml.safe_load(f)
    else:
        doc = json.load(f)
logging.config.dictConfig(doc)
with open(sys.argv[2]) as f:
    calls = json.load(f)
for c in calls:
    logging.getLogger(c["logger"]).log(c["level"], c["msg"], *c.get("args", []))
logging.shutdown()
