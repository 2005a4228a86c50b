package main

func editSection(o *options, e *env) ([]Row, error) { return nil, nil }
func idleSection(o *options, e *env) ([]Row, error) { return nil, nil }
