"""Files shipped inside the installed package: ``templates/`` and ``content/`` (the example).

In the repository they stay at the top level; the build maps them in here (see setup.py),
so a wheel or sdist carries them. Read them with :mod:`masa_docs.resources`.
"""
