define X
line
all:
	echo
