namespace OciSpec;
