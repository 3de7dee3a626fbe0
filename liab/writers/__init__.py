"""Local writers used by liab.providers.text when no outside service is configured or it fails.

Offline and pure Python: `lyrics` writes and refines song lyrics from word banks, a small grammar and the CMU
pronouncing dictionary.
"""
