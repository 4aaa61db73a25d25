"""departments"""
