#!/bin/bash
exec python3 /sebs/server.py "$@"
