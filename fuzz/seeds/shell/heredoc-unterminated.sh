cat <<EOF
line
$(go test)
