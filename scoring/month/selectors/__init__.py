"""Reads of the month: a period's engine inputs, who may rate whom, results and the year.

Every function reads a whole period (or year) in a fixed number of queries, whatever the number
of cadres; the engine (`scoring.engine`) is the only place a score is computed.
"""
