from . import click_to_call
