#!/bin/bash
# Runs once, as root, the first time the instance boots (EC2 user data).
# Installs a web server and publishes a page, so HTTP from the security group has something to show.
set -euo pipefail
dnf install -y httpd
TOKEN=$(curl -sX PUT "http://169.254.169.254/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 60")
IID=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)
cat > /var/www/html/index.html <<HTML
<!doctype html><meta charset="utf-8"><title>pasos</title>
<h1>¡Hola desde EC2!</h1><p>Instancia ${IID}, creada con pasos.</p>
HTML
systemctl enable --now httpd
