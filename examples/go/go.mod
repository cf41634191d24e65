module hooksig.example/receiver

go 1.22
