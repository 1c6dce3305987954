import os
import sys
import time


def generate_input(data_dir, size, benchmarks_bucket, input_paths, output_paths, upload_func, nosql_func):
    if size == "test":
        sys.stderr.write("dying now\n")
        sys.stderr.flush()
        os._exit(3)
    time.sleep(60)
    return {}
