# escape=\
FROM a\
