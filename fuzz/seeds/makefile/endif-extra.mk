endif
else
ifeq (
all:
	
\