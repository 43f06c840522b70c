"""Thin Litestar controllers: parse, call one service, return a Struct."""
