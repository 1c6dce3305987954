# generate_input only
