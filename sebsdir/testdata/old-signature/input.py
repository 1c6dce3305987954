# The signature upstream used before its single-bucket design (2024): no benchmarks_bucket, no nosql_func.


def buckets_count():
    return (0, 0)


def generate_input(data_dir, size, input_buckets, output_buckets, upload_func):
    return {"size": size, "buckets": [input_buckets, output_buckets]}
