def validate_output(data_dir, input_config, output, language, storage=None):
    return None
