"""Label-in-a-Box: from an empty page to a finished release."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version('label-in-a-box')
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = '0.0.0+checkout'
