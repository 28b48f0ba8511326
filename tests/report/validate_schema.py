#!/usr/bin/env python3
"""Validates JSON files against a JSON Schema (draft 2020-12).

Usage: validate_schema.py SCHEMA FILE...
Exit 0 when every file is valid, 1 when one is not (each error printed with its JSON path),
2 on a usage error or a file that cannot be read or parsed.
"""
import json
import sys

import jsonschema


def reject_constant(name):
    # Python's json accepts NaN and Infinity, which JSON does not have; a strict parser refuses.
    raise ValueError(f"non-JSON constant {name}")


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as error:
        print(f"{argv[1]}: bad schema: {error}", file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    status = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                document = json.load(f, parse_constant=reject_constant)
        except (OSError, ValueError) as error:
            print(f"{path}: cannot read: {error}", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            print(f"{path}: {where}: {error.message}", file=sys.stderr)
        if errors:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
