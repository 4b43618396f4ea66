A = $(A) x
B := $(A)
C = $(D)
D = $(C)
all:
	@echo $(B) $(C)
