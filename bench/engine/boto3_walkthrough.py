"""The walkthrough as a plain boto3 script: the same create calls as `pasos apply` of the shipped plan,
one after another, then the same deletes as `pasos rollback`. The baseline for docs/benchmarks.md."""
import base64, json, sys, time
import boto3

zip_path, user_data_path = sys.argv[1], sys.argv[2]
iam, s3, ec2 = boto3.client("iam"), boto3.client("s3"), boto3.client("ec2")
lam, ssm, sts = boto3.client("lambda"), boto3.client("ssm"), boto3.client("sts")
tag = [{"Key": "pasos:session", "Value": "boto3"}]
account = sts.get_caller_identity()["Account"]

def trust(svc):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"}]})

P = "arn:aws:iam::aws:policy/"
iam.create_role(RoleName="ec2-s3-dynamodb", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"), Tags=tag)
for p in ["AmazonS3FullAccess", "AmazonDynamoDBFullAccess"]:
    iam.attach_role_policy(RoleName="ec2-s3-dynamodb", PolicyArn=P + p)
iam.create_instance_profile(InstanceProfileName="ec2-s3-dynamodb", Tags=tag)
iam.add_role_to_instance_profile(InstanceProfileName="ec2-s3-dynamodb", RoleName="ec2-s3-dynamodb")
role = iam.create_role(RoleName="lambda-s3", AssumeRolePolicyDocument=trust("lambda.amazonaws.com"), Tags=tag)
for p in ["AmazonS3FullAccess", "service-role/AWSLambdaBasicExecutionRole"]:
    iam.attach_role_policy(RoleName="lambda-s3", PolicyArn=P + p)
iam.create_group(GroupName="ec2-admins")
iam.attach_group_policy(GroupName="ec2-admins", PolicyArn=P + "AmazonEC2FullAccess")
iam.create_user(UserName="alumno", Tags=tag)
iam.create_login_profile(UserName="alumno", Password="Xy9!" + "a" * 16, PasswordResetRequired=True)
iam.attach_user_policy(UserName="alumno", PolicyArn=P + "IAMUserChangePassword")
iam.add_user_to_group(UserName="alumno", GroupName="ec2-admins")
key = iam.create_access_key(UserName="alumno")["AccessKey"]["AccessKeyId"]
vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
sg = ec2.create_security_group(GroupName="web-http-https", Description="HTTP and HTTPS from anywhere", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for p in (80, 443)])
ami = ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")["Parameter"]["Value"]
inst = ec2.run_instances(ImageId=ami, InstanceType="t2.micro", MinCount=1, MaxCount=1, SecurityGroupIds=[sg],
    IamInstanceProfile={"Name": "ec2-s3-dynamodb"}, UserData=open(user_data_path).read(),
    MetadataOptions={"HttpTokens": "required"},
    TagSpecifications=[{"ResourceType": "instance", "Tags": tag + [{"Key": "Name", "Value": "servidor-web"}]}])["Instances"][0]["InstanceId"]
ec2.get_waiter("instance_running").wait(InstanceIds=[inst], WaiterConfig={"Delay": 1})
s3.create_bucket(Bucket="fotos-alumno-2026")
s3.put_bucket_tagging(Bucket="fotos-alumno-2026", Tagging={"TagSet": tag})
s3.put_object(Bucket="fotos-alumno-2026", Key="input/", Body=b"")
fn = lam.create_function(FunctionName="redimensionar-foto", Runtime="provided.al2023", Handler="bootstrap",
    Role=role["Role"]["Arn"], Code={"ZipFile": open(zip_path, "rb").read()}, Architectures=["x86_64"],
    MemorySize=256, Timeout=30, Environment={"Variables": {"OUTPUT_PREFIX": "output/", "INPUT_PREFIX": "input/"}},
    Tags={"pasos:session": "boto3"})
lam.get_waiter("function_active_v2").wait(FunctionName="redimensionar-foto", WaiterConfig={"Delay": 1})
lam.add_permission(FunctionName="redimensionar-foto", StatementId="s3", Action="lambda:InvokeFunction",
    Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::fotos-alumno-2026", SourceAccount=account)
s3.put_bucket_notification_configuration(Bucket="fotos-alumno-2026", NotificationConfiguration={"LambdaFunctionConfigurations": [{
    "Id": "t", "LambdaFunctionArn": fn["FunctionArn"], "Events": ["s3:ObjectCreated:Put"],
    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "input/"}]}}}]})

# Rollback, in the same order pasos uses.
s3.put_bucket_notification_configuration(Bucket="fotos-alumno-2026", NotificationConfiguration={})
lam.remove_permission(FunctionName="redimensionar-foto", StatementId="s3")
lam.delete_function(FunctionName="redimensionar-foto")
ec2.terminate_instances(InstanceIds=[inst])
ec2.get_waiter("instance_terminated").wait(InstanceIds=[inst], WaiterConfig={"Delay": 1})
ec2.delete_security_group(GroupId=sg)
for o in s3.list_objects_v2(Bucket="fotos-alumno-2026").get("Contents", []):
    s3.delete_object(Bucket="fotos-alumno-2026", Key=o["Key"])
s3.delete_bucket(Bucket="fotos-alumno-2026")
iam.delete_access_key(UserName="alumno", AccessKeyId=key)
iam.delete_login_profile(UserName="alumno")
iam.remove_user_from_group(UserName="alumno", GroupName="ec2-admins")
iam.detach_user_policy(UserName="alumno", PolicyArn=P + "IAMUserChangePassword")
iam.delete_user(UserName="alumno")
iam.detach_group_policy(GroupName="ec2-admins", PolicyArn=P + "AmazonEC2FullAccess")
iam.delete_group(GroupName="ec2-admins")
iam.remove_role_from_instance_profile(InstanceProfileName="ec2-s3-dynamodb", RoleName="ec2-s3-dynamodb")
iam.delete_instance_profile(InstanceProfileName="ec2-s3-dynamodb")
for r, ps in [("ec2-s3-dynamodb", ["AmazonS3FullAccess", "AmazonDynamoDBFullAccess"]), ("lambda-s3", ["AmazonS3FullAccess", "service-role/AWSLambdaBasicExecutionRole"])]:
    for p in ps:
        iam.detach_role_policy(RoleName=r, PolicyArn=P + p)
    iam.delete_role(RoleName=r)
