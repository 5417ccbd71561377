namespace ImaginAI.Tests;
