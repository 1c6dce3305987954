import sys

print("input.py prints to stdout at import; the driver must keep it out of its replies")


def generate_input(data_dir, size, benchmarks_bucket, input_paths, output_paths, upload_func, nosql_func):
    print("and while generating")
    if size == "large":
        raise ValueError("no large input")
    return {"size": size, "data_dir": data_dir}


def validate_output(data_dir, input_config, output, language, storage=None):
    return output["missing"]  # KeyError: the validator raises
