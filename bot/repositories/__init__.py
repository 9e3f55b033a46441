"""The query layer: every SQL statement Attune runs lives in this package.

Each repository takes the Database (and the Cipher where it stores what people wrote) and returns
typed records, never raw rows.
"""
