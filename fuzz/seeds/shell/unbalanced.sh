echo "unterminated $(
'` ${ $(( ((\
