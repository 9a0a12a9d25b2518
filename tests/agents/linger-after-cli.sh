#!/bin/sh
# Runs the real worker CLI named by RUNR_TEST_REAL_CLI with runr's arguments, then lingers while
# holding stdout open: a CLI that printed its final result but does not exit.
"$RUNR_TEST_REAL_CLI" "$@"
sleep 600
