#!/bin/bash
exec node /sebs/server.js "$@"
