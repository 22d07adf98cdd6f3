module bookflow.dev/examples/verify

go 1.19
