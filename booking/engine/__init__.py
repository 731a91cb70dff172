"""The pure availability engine and working-time maths: plain data in, plain data out."""
